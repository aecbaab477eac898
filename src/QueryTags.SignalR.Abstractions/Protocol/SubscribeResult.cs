using System.Text.Json.Serialization;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>The answer to <c>Subscribe(tags, cursor)</c>.</summary>
[MessagePackObject]
public sealed class SubscribeResult
{
    /// <summary>The log position now; the client keeps the latest cursor it has seen.</summary>
    [Key("cursor")]
    [JsonPropertyName("cursor")]
    public InvalidationCursor Cursor { get; set; }

    /// <summary>
    /// True when the server cannot tell what was missed since the given cursor (another epoch, or older than
    /// the retention window): the client invalidates everything it holds.
    /// </summary>
    [Key("reset")]
    [JsonPropertyName("reset")]
    public bool Reset { get; set; }

    /// <summary>The accepted tags invalidated after the given cursor.</summary>
    [Key("missed")]
    [JsonPropertyName("missed")]
    public IReadOnlyList<Tag> Missed { get; set; } = [];

    /// <summary>The tags refused, each with its rule; the others were joined.</summary>
    [Key("rejected")]
    [JsonPropertyName("rejected")]
    public IReadOnlyList<TagRejection> Rejected { get; set; } = [];

    /// <summary>
    /// How long, in milliseconds, the clients this reaches should spread their refetches over (queries on screen
    /// first), so they do not all hit the app at once; 0 for at once. Clients cut a value above 60,000 to it.
    /// </summary>
    [Key("spread")]
    [JsonPropertyName("spread")]
    [JsonConverter(typeof(WireSpreadJsonConverter))]
    public int SpreadMilliseconds { get; set; }
}
