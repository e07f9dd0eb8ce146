namespace Cnm.Plugins.Client;

/// <summary>Marks a connection attempt that failed before any request byte was written.</summary>
internal sealed class ConnectFailedException(string message, Exception? inner) : IOException(message, inner);
