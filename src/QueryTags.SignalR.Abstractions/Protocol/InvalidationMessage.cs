using System.Text.Json.Serialization;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>The payload of the server → client <c>invalidate</c> event.</summary>
/// <remarks>
/// MessagePack writes a map with the same lower-case keys as JSON; <see cref="TraceParent"/> is left out of both
/// when it is null, and <see cref="SpreadMilliseconds"/> when it is 0, so a message costs no bytes for what it does not say.
/// </remarks>
[MessagePackObject]
[MessagePackFormatter(typeof(InvalidationMessageMessagePackFormatter))]
public sealed class InvalidationMessage
{
    /// <summary>Unique per invalidation call; a client that receives the same id twice applies it once.</summary>
    [Key("id")]
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    /// <summary>Every tag of the invalidation call; the client applies those that match a tag it holds.</summary>
    [Key("tags")]
    [JsonPropertyName("tags")]
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    /// <summary>The log position of this invalidation; a client reconnects with the latest it saw.</summary>
    [Key("cursor")]
    [JsonPropertyName("cursor")]
    public InvalidationCursor? Cursor { get; set; }

    /// <summary>
    /// Free text the publisher attached to say where the change came from (for example the node or the user that
    /// caused it); may be null. Its wire field keeps the name <c>origin</c>, which the clients read.
    /// </summary>
    [Key("origin")]
    [JsonPropertyName("origin")]
    public string? Source { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the publish (<c>00-{trace id}-{span id}-{flags}</c>), so a client's work can join
    /// the trace of the change that caused it; null (and not written) when the publisher was not traced.
    /// </summary>
    [Key("traceparent")]
    [JsonPropertyName("traceparent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; set; }

    /// <summary>
    /// How long, in milliseconds, the clients this reaches (an invalidation of a tag many hold) should spread their refetches over (queries on screen
    /// first), so they do not all hit the app at once; 0 for at once. Clients cut a value above 60,000 to it.
    /// </summary>
    [Key("spread")]
    [JsonPropertyName("spread")]
    [JsonConverter(typeof(WireSpreadJsonConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int SpreadMilliseconds { get; set; }
}
