using Cnm.Core.Errors;
using Cnm.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Cnm.Daemon.Http;

/// <summary>
/// What every API request goes through: Docker's version prefix (<c>/v1.47/networks</c>) is checked as dockerd checks
/// it (a version above <see cref="ApiVersion"/> or below <see cref="MinApiVersion"/> is a 400 with dockerd's message)
/// and stripped so routes are written once, every answer carries <c>Api-Version</c>, and errors become Docker's
/// <c>{"message": …}</c> body with the status of their category.
/// </summary>
internal static partial class ApiMiddleware
{
    /// <summary>The highest API version whose network routes Cnm implements.</summary>
    public const string ApiVersion = "1.47";

    /// <summary>The lowest version the docker CLI may negotiate.</summary>
    public const string MinApiVersion = "1.24";

    // The header values are made once, not per request.
    private static readonly StringValues ApiVersionHeader = new(ApiVersion);
    private static readonly StringValues OsTypeHeader = new("linux");
    private static readonly StringValues ServerHeader = new("cnmd");

    /// <summary>
    /// One middleware, not two, on every request: the version prefix, the answer's headers and the error mapping. The
    /// prefix is dockerd's <c>/v{version:[0-9.]+}</c> followed by a slash, so <c>/v1.13.1/</c> is a (too old) version,
    /// not a 404; it is matched by hand, without a regular expression (spec/performance.md, "Daemon against dockerd").
    /// </summary>
    public static WebApplication UseDockerApiConventions(this WebApplication app, Hosting.IdleMemory idle)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cnm.Daemon.Api");
        app.Use(async (context, next) =>
        {
            idle.OnRequest();
            var path = context.Request.Path.Value ?? "";
            SetAnswerHeaders(context.Response.Headers);
            if (VersionPrefixLength(path) is var prefix and > 0)
            {
                if (Unsupported(path[2..prefix]) is { } refusal)
                {
                    await WriteErrorAsync(context, StatusCodes.Status400BadRequest, refusal).ConfigureAwait(false);
                    return;
                }

                context.Request.Path = new PathString(path[prefix..]);
            }

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

    /// <summary>The length of a leading <c>/v{[0-9.]+}</c> followed by <c>/</c>, or 0 when the path has none.</summary>
    internal static int VersionPrefixLength(string path)
    {
        if (path.Length < 4 || path[0] != '/' || path[1] != 'v')
        {
            return 0;
        }

        var i = 2;
        while (i < path.Length && (char.IsAsciiDigit(path[i]) || path[i] == '.'))
        {
            i++;
        }

        return i > 2 && i < path.Length && path[i] == '/' ? i : 0;
    }

    /// <summary>dockerd's refusal of a client version outside [<see cref="MinApiVersion"/>, <see cref="ApiVersion"/>], or null.</summary>
    public static string? Unsupported(string version) =>
        CompareVersions(version, MinApiVersion) < 0
            ? $"client version {version} is too old. Minimum supported API version is {MinApiVersion}, please upgrade your client to a newer version"
            : CompareVersions(version, ApiVersion) > 0
                ? $"client version {version} is too new. Maximum supported API version is {ApiVersion}"
                : null;

    /// <summary>Docker's versions.compare: dot-separated numbers, a missing or unreadable part counts as 0.</summary>
    /// <remarks>Splits on spans, without allocating: it runs twice per request.</remarks>
    public static int CompareVersions(string left, string right)
    {
        var a = left.AsSpan().Split('.');
        var b = right.AsSpan().Split('.');
        while (true)
        {
            var (moreA, moreB) = (a.MoveNext(), b.MoveNext());
            if (!moreA && !moreB)
            {
                return 0;
            }

            var x = moreA ? Part(left.AsSpan(a.Current)) : 0;
            var y = moreB ? Part(right.AsSpan(b.Current)) : 0;
            if (x != y)
            {
                return x > y ? 1 : -1;
            }
        }
    }

    /// <summary>Go's Atoi as versions.compare uses it: an empty part is 0, one too large to hold is the largest number.</summary>
    private static long Part(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;

    private static void SetAnswerHeaders(IHeaderDictionary headers)
    {
        headers["Api-Version"] = ApiVersionHeader;
        headers["Ostype"] = OsTypeHeader;
        headers["Server"] = ServerHeader;
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        // Clear drops every header set so far; an error carries the same three as any answer, as dockerd's do.
        context.Response.Clear();
        SetAnswerHeaders(context.Response.Headers);
        return DockerJson.WriteAsync(context.Response, new ErrorBody(message), DockerJson.Context.ErrorBody, status);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RequestRefused, Level = LogLevel.Debug, Message = "{Method} {Path} refused with {Status}: {Reason}")]
        public static partial void RequestRefused(ILogger logger, string method, string path, int status, string reason);

        [LoggerMessage(EventId = EventIds.RequestFailed, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
        public static partial void RequestFailed(ILogger logger, string method, string path, int status, Exception exception);
    }
}
