using System.Runtime.InteropServices;
using System.Text;
using Cnm.Protocol;

namespace Cnm.Linux.Firewall;

/// <summary>
/// One libnftables context (<c>struct nft_ctx</c>) with JSON output and handles, its output and errors buffered.
/// Not thread-safe: <see cref="NftablesWorker"/> owns it and uses it from its one thread, inside the target namespace
/// (the context's netlink socket belongs to the namespace it was opened in).
/// </summary>
internal sealed unsafe class NftablesContext : IDisposable
{
    private readonly LibNftables _lib;
    private nint _ctx;

    public NftablesContext(LibNftables lib)
    {
        _lib = lib;
        _ctx = lib.CtxNew(0);
        if (_ctx == 0)
        {
            throw new NftablesException(ErrorCategory.Internal, "nft_ctx_new failed");
        }

        lib.OutputSetFlags(_ctx, LibNftables.OutputJson | LibNftables.OutputHandle);
        if (lib.BufferOutput(_ctx) != 0 || lib.BufferError(_ctx) != 0)
        {
            Dispose();
            throw new NftablesException(ErrorCategory.Internal, "nft_ctx_buffer_output/error failed");
        }
    }

    /// <summary>
    /// Runs one buffer of commands (a JSON document is one atomic transaction) and returns what nft printed (JSON for
    /// listings, empty for changes). Internal, with nft's error text, when nft refuses it.
    /// </summary>
    public string Run(string commands, string what)
    {
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        var bytes = Encoding.UTF8.GetBytes(commands + "\0");
        int rc;
        fixed (byte* p = bytes)
        {
            rc = _lib.RunCmdFromBuffer(_ctx, p);
        }

        // The buffers are reset by the next read: take both now.
        var output = Marshal.PtrToStringUTF8(_lib.GetOutputBuffer(_ctx)) ?? string.Empty;
        var error = Marshal.PtrToStringUTF8(_lib.GetErrorBuffer(_ctx))?.Trim() ?? string.Empty;
        if (rc != 0)
        {
            throw new NftablesException(ErrorCategory.Internal, $"nftables refused {what}: {(error.Length > 0 ? error : $"error {rc}")}", error);
        }

        return output;
    }

    public void Dispose()
    {
        if (_ctx != 0)
        {
            _lib.CtxFree(_ctx);
            _ctx = 0;
        }
    }
}
