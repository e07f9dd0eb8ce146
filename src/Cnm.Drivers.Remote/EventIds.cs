namespace Cnm.Drivers.Remote;

/// <summary>
/// Event ids of Cnm.Drivers.Remote log messages, in one place. Existing ids must not be reused or repurposed.
/// </summary>
internal static class EventIds
{
    // Remote driver module: 3000-3099
    public const int Registered = 3000;
    public const int RegistrationFailed = 3001;
    public const int Gone = 3002;
}
