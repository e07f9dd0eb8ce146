namespace Cnm.Plugins.Discovery;

/// <summary>The type of a file system entry, as far as discovery cares.</summary>
internal enum FileKind
{
    /// <summary>Anything else (FIFO, device), or unknown where the type cannot be read.</summary>
    Other,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A unix-domain socket.</summary>
    Socket,
}
