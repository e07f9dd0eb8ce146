using System.Runtime.InteropServices;
using Cnm.Protocol;

namespace Cnm.Linux.Firewall;

/// <summary>
/// The few libnftables entry points Cnm uses, bound at run time (NativeLibrary) so that a missing
/// <c>libnftables.so.1</c> is a clear Unavailable error when the firewall starts, not a crash on first use, and so
/// that the library name can be changed (tests point it at a name that does not exist).
/// </summary>
internal sealed unsafe class LibNftables
{
    /// <summary>The soname Debian's <c>libnftables1</c> installs.</summary>
    public const string DefaultName = "libnftables.so.1";

    /// <summary>NFT_CTX_OUTPUT_HANDLE: listings carry rule handles.</summary>
    public const uint OutputHandle = 1u << 3;

    /// <summary>NFT_CTX_OUTPUT_JSON: listings are JSON, and input is parsed as JSON first.</summary>
    public const uint OutputJson = 1u << 4;

    private LibNftables(nint library)
    {
        CtxNew = (delegate* unmanaged<uint, nint>)Export(library, "nft_ctx_new");
        CtxFree = (delegate* unmanaged<nint, void>)Export(library, "nft_ctx_free");
        OutputSetFlags = (delegate* unmanaged<nint, uint, void>)Export(library, "nft_ctx_output_set_flags");
        BufferOutput = (delegate* unmanaged<nint, int>)Export(library, "nft_ctx_buffer_output");
        BufferError = (delegate* unmanaged<nint, int>)Export(library, "nft_ctx_buffer_error");
        GetOutputBuffer = (delegate* unmanaged<nint, nint>)Export(library, "nft_ctx_get_output_buffer");
        GetErrorBuffer = (delegate* unmanaged<nint, nint>)Export(library, "nft_ctx_get_error_buffer");
        RunCmdFromBuffer = (delegate* unmanaged<nint, byte*, int>)Export(library, "nft_run_cmd_from_buffer");
    }

    public delegate* unmanaged<uint, nint> CtxNew { get; }

    public delegate* unmanaged<nint, void> CtxFree { get; }

    public delegate* unmanaged<nint, uint, void> OutputSetFlags { get; }

    public delegate* unmanaged<nint, int> BufferOutput { get; }

    public delegate* unmanaged<nint, int> BufferError { get; }

    public delegate* unmanaged<nint, nint> GetOutputBuffer { get; }

    public delegate* unmanaged<nint, nint> GetErrorBuffer { get; }

    public delegate* unmanaged<nint, byte*, int> RunCmdFromBuffer { get; }

    /// <summary>Loads <paramref name="name"/>; Unavailable, naming the library and the Debian package, when it cannot.</summary>
    public static LibNftables Load(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!NativeLibrary.TryLoad(name, out var library))
        {
            throw new NftablesException(ErrorCategory.Unavailable, $"{name} not found: install libnftables1 (the nftables firewall of the bridge driver needs it)");
        }

        try
        {
            return new LibNftables(library);
        }
        catch (EntryPointNotFoundException ex)
        {
            NativeLibrary.Free(library);
            throw new NftablesException(ErrorCategory.Unavailable, $"{name} is not a usable libnftables: {ex.Message}", innerException: ex);
        }
    }

    private static nint Export(nint library, string symbol) => NativeLibrary.GetExport(library, symbol);
}
