using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote;

/// <summary>A failed plugin call, as a Cnm error of the same category; the message names plugin, method and reason.</summary>
internal sealed class PluginCallException(ErrorCategory category, string message, int? statusCode, Exception? inner)
    : CnmException(category, message, inner)
{
    public int? StatusCode { get; } = statusCode;
}
