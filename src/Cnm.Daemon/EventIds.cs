namespace Cnm.Daemon;

/// <summary>
/// Event ids of cnmd's own log messages, in one place. Existing ids must not be reused or repurposed.
/// </summary>
internal static class EventIds
{
    // Hosting: 1-99
    public const int Listening = 1;
    public const int InMemoryStore = 2;
    public const int NoMembership = 3;
    public const int IdleMemoryReleased = 4;
    public const int TestFirewall = 10;
    public const int TestFirewallCall = 11;

    // API: 100-199
    public const int RequestRefused = 100;
    public const int RequestFailed = 101;
    public const int Route = 110;
    public const int Routes = 111;
}
