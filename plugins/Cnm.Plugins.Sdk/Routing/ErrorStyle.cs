namespace Cnm.Plugins.Sdk.Routing;

/// <summary>How a failed call is written: which error key(s) the 500 body carries.</summary>
internal enum ErrorStyle
{
    /// <summary><c>{"Err":"…"}</c>, as network drivers answer.</summary>
    Network,

    /// <summary><c>{"Err":"…","Error":"…"}</c>: the host reads <c>Err</c> on a non-200, IPAM readers look at <c>Error</c>.</summary>
    Ipam,
}
