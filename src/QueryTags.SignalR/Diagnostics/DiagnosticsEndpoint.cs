using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// <c>GET</c> of the diagnostics endpoint: what this node holds and sent, as JSON. Connections by transport and
/// protocol; held tags as counts, and the prefixes with the most holders under the disclosure rule of
/// <see cref="TagInvalidationDiagnosticsOptions"/>; the log's epoch, position and retention; the recent invalidations;
/// and the sections other components add (<see cref="ITagInvalidationDiagnosticsSection"/>). Never a connection id, a
/// user, or the tags of a connection. 400 for a <c>?top=</c> out of range.
/// </summary>
internal sealed class DiagnosticsEndpoint(TagInvalidationDiagnosticsOptions options)
{
    private const int MaxPrefixesBound = 1000;

    /// <summary>Throws when an option is out of range, naming it and its range.</summary>
    public static void Validate(TagInvalidationDiagnosticsOptions options, int maxGroupDepth)
    {
        Check(options.MaxPrefixes, nameof(options.MaxPrefixes), 1, MaxPrefixesBound, MaxPrefixesBound.ToString(CultureInfo.InvariantCulture));
        Check(options.PrefixDepth, nameof(options.PrefixDepth), 1, maxGroupDepth, $"TagInvalidationOptions.MaxGroupDepth ({maxGroupDepth})");
        Check(options.MinimumHolders, nameof(options.MinimumHolders), 1, int.MaxValue, "any");

        static void Check(int value, string name, int min, int max, string maxText)
        {
            if (value < min || value > max)
            {
                throw new InvalidOperationException($"TagInvalidationDiagnosticsOptions.{name} is {value}; it must be from {min} to {maxText}.");
            }
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!TryReadTop(context.Request.Query["top"], out var top))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The diagnostics request was refused.",
                detail: $"'top' must be an integer from 1 to {options.MaxPrefixes} (TagInvalidationDiagnosticsOptions.MaxPrefixes).").ExecuteAsync(context);
            return;
        }

        var services = context.RequestServices;
        var body = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            WriteConnections(writer, services.GetRequiredService<ConnectionKinds>());
            WriteTags(writer, services.GetRequiredService<HeldTagCounts>(), top);
            await WriteLogAsync(writer, services.GetRequiredService<InvalidationLog>(), context.RequestAborted);
            WriteRecent(writer, services.GetRequiredService<RecentlyPublished>());
            await WriteSectionsAsync(writer, services.GetServices<ITagInvalidationDiagnosticsSection>(), context);
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
    }

    private bool TryReadTop(string? text, out int top)
    {
        top = options.MaxPrefixes;
        return text is null
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out top) && top >= 1 && top <= options.MaxPrefixes);
    }

    private static void WriteConnections(Utf8JsonWriter writer, ConnectionKinds kinds)
    {
        var open = kinds.All.Select(kind => (kind.Transport, kind.Protocol, Open: Interlocked.Read(ref kind.Open))).Where(kind => kind.Open > 0).ToArray();
        writer.WriteStartObject("connections");
        writer.WriteNumber("open", open.Sum(kind => kind.Open));
        writer.WriteStartArray("byTransport");
        foreach (var (transport, protocol, count) in open.OrderBy(kind => kind.Transport, StringComparer.Ordinal).ThenBy(kind => kind.Protocol, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("transport", transport);
            writer.WriteString("protocol", protocol);
            writer.WriteNumber("open", count);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private void WriteTags(Utf8JsonWriter writer, HeldTagCounts held, int top)
    {
        writer.WriteStartObject("tags");
        writer.WriteNumber("holds", held.Holds);
        writer.WriteNumber("distinct", held.DistinctTags);
        writer.WriteNumber("groups", held.Groups);
        writer.WriteStartObject("prefixRule");
        writer.WriteNumber("maxDepth", options.PrefixDepth);
        writer.WriteNumber("minimumHolders", options.MinimumHolders);
        writer.WriteEndObject();
        writer.WriteStartArray("topPrefixes");
        foreach (var prefix in held.TopPrefixes(top, options.PrefixDepth, options.MinimumHolders))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("prefix");
            writer.WriteRawValue(prefix.Prefix, skipInputValidation: true);
            writer.WriteNumber("holders", prefix.Holders);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static async Task WriteLogAsync(Utf8JsonWriter writer, InvalidationLog log, CancellationToken cancellationToken)
    {
        writer.WriteStartObject("log");
        try
        {
            var state = await log.ReadTagsAsync([], cancellationToken);
            writer.WriteString("epoch", state.Current.Epoch);
            writer.WriteString("position", state.Current.ToString());
            writer.WriteNumber("answerableFrom", state.AnswerableFrom);

            // Sequences are the log's clock in microseconds: the span a cursor is answered over.
            writer.WriteNumber("retainedSeconds", Math.Max(0, state.Current.Sequence - state.AnswerableFrom) / 1_000_000.0);
        }
        catch (InvalidationLogUnavailableException)
        {
            // Its message names the log's server; the outage monitor logs the outage.
            writer.WriteString("error", "unreachable");
        }

        writer.WriteEndObject();
    }

    private static void WriteRecent(Utf8JsonWriter writer, RecentlyPublished recent)
    {
        writer.WriteStartArray("recentInvalidations");
        foreach (var sent in recent.Latest())
        {
            writer.WriteStartObject();
            writer.WriteString("id", sent.Id);
            writer.WriteString("at", sent.At);
            writer.WriteNumber("tags", sent.Tags);
            writer.WriteNumber("groups", sent.Groups);
            writer.WriteNumber("localDeliveries", sent.LocalDeliveries);
            writer.WriteNumber("bytes", sent.Bytes);
            writer.WriteBoolean("resent", sent.Resent);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static async Task WriteSectionsAsync(Utf8JsonWriter writer, IEnumerable<ITagInvalidationDiagnosticsSection> sections, HttpContext context)
    {
        writer.WriteStartObject("sections");
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            if (!written.Add(section.Name))
            {
                continue;
            }

            writer.WritePropertyName(section.Name);
            try
            {
                var value = await section.ReadAsync(context.RequestAborted);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                DiagnosticsLog.SectionFailed(context.RequestServices.GetRequiredService<ILogger<DiagnosticsEndpoint>>(), section.Name, ex);
                writer.WriteStartObject();
                writer.WriteString("error", "failed");
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }
}
