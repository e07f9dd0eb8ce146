namespace Cnm.Core.Drivers;

/// <summary>
/// A package of drivers. The controller calls <see cref="InitializeAsync"/> once at creation; a built-in module
/// that throws makes controller creation fail.
/// </summary>
public interface IDriverModule
{
    /// <summary>A name for logs and errors.</summary>
    string Name { get; }

    /// <summary>
    /// True for drivers compiled into Cnm. Their names cannot be taken over by plugins, and a failure to
    /// initialise fails controller creation.
    /// </summary>
    bool IsBuiltIn => true;

    /// <summary>Registers the module's drivers (now, or later as they appear, for the remote module).</summary>
    Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken);
}
