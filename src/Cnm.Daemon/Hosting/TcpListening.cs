using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// A tcp:// address: HTTPS only, with a client certificate required and checked against <c>--tlscacert</c>
/// alone (spec/daemon-api.md, "Listening and TLS"). There is no plain-HTTP TCP listener.
/// </summary>
internal static class TcpListening
{
    public static void Listen(KestrelServerOptions kestrel, ListenAddress address, TlsMaterial tls)
    {
        void Https(ListenOptions listen) => listen.UseHttps(https =>
        {
            https.ServerCertificate = tls.ServerCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;

            // The system's trust store plays no part: the chain is rebuilt with the given CA(s) as the only anchors.
            https.ClientCertificateValidation = (certificate, _, _) => tls.IsTrustedClient(certificate);
        });

        if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, Https);
        }
        else
        {
            kestrel.Listen(address.Address ?? IPAddress.Any, address.Port, Https);
        }
    }
}
