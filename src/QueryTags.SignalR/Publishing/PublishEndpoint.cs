using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// <c>POST</c> of the publish endpoint, for services that are not .NET: a JSON body <c>{ "tags": [...], "origin"? }</c>
/// is checked tag by tag with the server's limits and published through <see cref="ITagInvalidator"/>. Answers:
/// 200 <c>{ id, cursor }</c>; 400 problem details naming each refused tag and its rule (nothing published); 413 for a
/// body over <see cref="TagInvalidationOptions.MaxPublishBodySize"/>; 415 for a body that is not JSON; 503 when the
/// invalidation log is unreachable (nothing published).
/// </summary>
internal static class PublishEndpoint
{
    private const int MaxSourceLength = 256;
    private static readonly JsonDocumentOptions Document = new() { MaxDepth = 16 };

    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<TagInvalidationOptions>>().Value;
        var request = context.Request;
        LowerKestrelLimit(context, options.MaxPublishBodySize);
        if (!request.HasJsonContentType())
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "The body must be JSON (Content-Type: application/json).");
            return;
        }

        if (request.ContentLength > options.MaxPublishBodySize || await ReadBodyAsync(context, options.MaxPublishBodySize) is not { } body)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {options.MaxPublishBodySize} bytes (TagInvalidationOptions.MaxPublishBodySize).");
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Document);
        }
        catch (JsonException ex)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, $"The body is not JSON: {ex.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tags", out var tagsElement) || tagsElement.ValueKind != JsonValueKind.Array || tagsElement.GetArrayLength() == 0)
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "The body needs a non-empty 'tags' array of tags, such as {\"tags\": [[\"todo\", 5]]}.");
                return;
            }

            string? source = null;
            if (root.TryGetProperty("origin", out var sourceElement) && sourceElement.ValueKind != JsonValueKind.Null)
            {
                if (sourceElement.ValueKind != JsonValueKind.String || sourceElement.GetString() is not { Length: <= MaxSourceLength } text)
                {
                    await RefuseAsync(context, StatusCodes.Status400BadRequest, $"'origin' must be a string of at most {MaxSourceLength} characters.");
                    return;
                }

                source = text;
            }

            // Read and checked as a subscribe's tags are, by the admission's first step (authorization and the
            // budget are a holder's, not a publisher's).
            var admission = services.GetRequiredService<TagAdmission>();
            var tags = new List<Tag>();
            var rejected = new List<TagRejection>();
            var index = 0;
            foreach (var element in tagsElement.EnumerateArray())
            {
                if (admission.TryRead(element, index++, out var tag, out var rejection))
                {
                    tags.Add(tag);
                }
                else
                {
                    rejected.Add(rejection);
                }
            }

            if (rejected.Count > 0)
            {
                var first = rejected[0];
                await RefuseAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    $"{TagRules.Broken($"Tag {first.Index} {first.Tag}", first.Rule, first.Reason)}." + (rejected.Count > 1 ? $" {rejected.Count - 1} more tag(s) break a rule; see 'rejected'." : "") + " Nothing was published.",
                    rejected);
                return;
            }

            InvalidationMessage message;
            try
            {
                message = await services.GetRequiredService<ITagInvalidator>().InvalidateTagsAsync(tags, source, context.RequestAborted);
            }
            catch (InvalidationLogUnavailableException ex)
            {
                // The exception's message names the log's server (a Redis endpoint): the log gets it, the caller does not.
                if (ThrottledLogger(context, LogLevel.Warning) is { } logger)
                {
                    PublishingLog.PublishLogUnavailable(logger, context.Request.Path, ex);
                }

                context.Response.Headers.RetryAfter = "1";
                await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The invalidation log is unreachable; nothing was published.", detail: "Retry later; the server's log says why.").ExecuteAsync(context);
                return;
            }

            await Results.Ok(new { id = message.Id, cursor = message.Cursor?.ToString() }).ExecuteAsync(context);
        }
    }

    // The body, or null when it is larger than the limit (read no further than one byte past it). The limit is counted
    // here, on the body's own bytes.
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's limit (below) or the app's own, if lower.
            return null;
        }

        return buffer.ToArray();
    }

    // Kestrel's own body limit bounds what it reads of a body refused before its end (it reads the rest to keep the
    // connection, and closes it past its limit), so it is lowered from the server's (30 MB by default). Not to limit + 1:
    // Kestrel counts a chunked body's framing too (each chunk's size line and line ends), and a limit of limit + 1
    // refused one-chunk bodies from 11 bytes short of the limit. Twice the limit leaves room for the framing of any chunks
    // of 8 bytes or more; the limit itself is counted by ReadBodyAsync.
    private static void LowerKestrelLimit(HttpContext context, long limit)
    {
        var bound = limit < long.MaxValue / 2 ? 2 * limit + 1 : long.MaxValue;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && (size.MaxRequestBodySize is null || size.MaxRequestBodySize > bound))
        {
            size.MaxRequestBodySize = bound;
        }
    }

    private static async Task RefuseAsync(HttpContext context, int status, string detail, List<TagRejection>? rejected = null)
    {
        if (ThrottledLogger(context, LogLevel.Information) is { } logger)
        {
            HubLimitsLog.PublishRequestRefused(logger, context.Request.Path, detail);
        }

        var extensions = rejected is null ? null : new Dictionary<string, object?> { ["rejected"] = rejected };
        await Results.Problem(statusCode: status, title: "The invalidation was refused; nothing was published.", detail: detail, extensions: extensions).ExecuteAsync(context);
    }

    // The endpoint's logger when an entry of `level` may be written now (LoggingThrottle: a flood of bad requests, or of
    // requests during an outage, does not flood the log); null otherwise.
    private static ILogger? ThrottledLogger(HttpContext context, LogLevel level) =>
        LoggingThrottle.ForRequest(context, typeof(PublishEndpoint).FullName!, level);
}
