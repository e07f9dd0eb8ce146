using Cnm.Plugins.Client;
using Cnm.Protocol;

namespace Cnm.Plugins.Registry;

public sealed partial class PluginRegistry
{
    /// <summary>
    /// A plugin reached over https:// whose certificate is not verified is refused under
    /// <see cref="PluginClientOptions.RequireTlsVerification"/>, and activated with a Warning otherwise.
    /// </summary>
    private void CheckTlsVerification(PluginSpec spec)
    {
        if (spec.Address.Scheme != Uri.UriSchemeHttps || spec.Tls is not { InsecureSkipVerify: true })
        {
            return;
        }

        var source = spec.Source ?? "(no spec file)";
        if (_clientOptions.RequireTlsVerification)
        {
            throw new PluginException(ErrorCategory.Forbidden, spec.Name, PluginMethods.Activate,
                $"refused: the plugin is reached over {spec.Address} without verifying its certificate (spec file {source}), and plugin TLS verification is required; give the spec file a TLSConfig with a CAFile");
        }

        Log.TlsNotVerified(_logger, spec.Name, spec.Address, source);
    }
}
