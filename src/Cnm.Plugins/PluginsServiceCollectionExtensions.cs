using System.Diagnostics.CodeAnalysis;
using Cnm.Plugins.Client;
using Cnm.Plugins.Discovery;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cnm.Plugins;

/// <summary>Registers plugin discovery, the plugin registry and the directory watcher.</summary>
public static class PluginsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PluginDiscovery"/>, <see cref="PluginRegistry"/> (singletons) and <see cref="PluginWatcher"/>
    /// (a hosted service). <paramref name="configure"/> sets the plugin directories; client and watcher
    /// settings come from <c>services.Configure&lt;PluginClientOptions&gt;</c> and
    /// <c>services.Configure&lt;PluginWatcherOptions&gt;</c>. All three option sets are validated at start-up.
    /// </summary>
    public static IServiceCollection AddCnmPlugins(this IServiceCollection services,
        Action<PluginDiscoveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var discovery = AddValidated<PluginDiscoveryOptions>(services, static o => o.Validate());
        if (configure is not null)
        {
            discovery.Configure(configure);
        }

        AddValidated<PluginClientOptions>(services, static o => o.Validate());
        AddValidated<PluginWatcherOptions>(services, static o => o.Validate());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PluginDiscovery(sp.GetRequiredService<IOptions<PluginDiscoveryOptions>>().Value));
        services.TryAddSingleton(sp => new PluginRegistry(
            sp.GetRequiredService<PluginDiscovery>(),
            sp.GetRequiredService<IOptions<PluginClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddHostedService(sp => new PluginWatcher(
            sp.GetRequiredService<PluginRegistry>(),
            sp.GetRequiredService<IOptions<PluginWatcherOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PluginWatcher>>()));
        return services;
    }

    // AddOptions<T> needs T's public constructor kept for trimming (OptionsFactory<T> creates it).
    private static OptionsBuilder<T> AddValidated<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        IServiceCollection services, Action<T> validate)
        where T : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new ThrowingValidator<T>(validate)));
        return services.AddOptions<T>().ValidateOnStart();
    }

    /// <summary>Turns an options class's own <c>Validate()</c> into an options validation with its message.</summary>
    private sealed class ThrowingValidator<T>(Action<T> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            try
            {
                validate(options);
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
