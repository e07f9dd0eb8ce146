namespace Cnm.Linux.Netlink;

public sealed partial class NetlinkClient
{
    /// <summary>Creates a dummy link (the parent of a macvlan network created without one).</summary>
    public void CreateDummy(string name)
    {
        LinkNames.Validate(name, "dummy name");
        _socket.Execute(LinkMessages.Create(name, "dummy"), $"create dummy {name}");
    }
}
