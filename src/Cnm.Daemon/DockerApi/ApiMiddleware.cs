using System.Text.RegularExpressions;
using Cnm.Core.Errors;
using Cnm.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cnm.Daemon.DockerApi;

/// <summary>
/// What every API request goes through: Docker's version prefix (<c>/v1.47/networks</c>) is stripped so
/// routes are written once, every answer carries <c>Api-Version</c>, and errors become Docker's
/// <c>{"message": …}</c> body with the status of their category.
/// </summary>
internal static partial class ApiMiddleware
{
    /// <summary>The highest API version whose network routes Cnm implements.</summary>
    public const string ApiVersion = "1.47";

    /// <summary>The lowest version the docker CLI may negotiate.</summary>
    public const string MinApiVersion = "1.24";

    [GeneratedRegex(@"^/v[0-9]+(\.[0-9]+)?(?=/)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPrefix();

    public static WebApplication UseDockerApiConventions(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var match = VersionPrefix().Match(path);
            if (match.Success)
            {
                context.Request.Path = path[match.Length..];
            }

            context.Response.Headers["Api-Version"] = ApiVersion;
            context.Response.Headers["Ostype"] = "linux";
            context.Response.Headers["Server"] = "cnmd";
            await next(context).ConfigureAwait(false);
        });

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cnm.Daemon.Api");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (CnmException ex) when (!context.Response.HasStarted)
            {
                var status = ErrorCategories.ToHttpStatus(ex.Category);
                if (status >= 500)
                {
                    Log.RequestFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", status, ex);
                }
                else
                {
                    Log.RequestRefused(logger, context.Request.Method, context.Request.Path.Value ?? "", status, ex.Message);
                }

                await WriteErrorAsync(context, status, ex.Message).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
            {
                Log.RequestFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", 500, ex);
                await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, ex.Message).ConfigureAwait(false);
            }
        });
        return app;
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.Headers["Api-Version"] = ApiVersion;
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(message), DockerJson.Context.ErrorBody, DockerJson.ContentType);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RequestRefused, Level = LogLevel.Debug, Message = "{Method} {Path} refused with {Status}: {Reason}")]
        public static partial void RequestRefused(ILogger logger, string method, string path, int status, string reason);

        [LoggerMessage(EventId = EventIds.RequestFailed, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
        public static partial void RequestFailed(ILogger logger, string method, string path, int status, Exception exception);
    }
}
