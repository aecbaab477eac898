using System.Text.Json.Serialization;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>
/// The payload of the server → client <c>reset</c> event: the server cannot prove nothing was missed, so the
/// client invalidates everything it holds and goes on from <see cref="Cursor"/>.
/// </summary>
[MessagePackObject]
public sealed class ResetMessage
{
    /// <summary>Why, such as <c>backplane-restored</c>.</summary>
    [Key("reason")]
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    /// <summary>The position to go on from; may be null.</summary>
    [Key("cursor")]
    [JsonPropertyName("cursor")]
    public InvalidationCursor? Cursor { get; set; }

    /// <summary>
    /// How long, in milliseconds, the clients this reaches should spread their refetches over (queries on screen
    /// first), so they do not all hit the app at once; 0 for at once. Clients cut a value above 60,000 to it.
    /// </summary>
    [Key("spread")]
    [JsonPropertyName("spread")]
    [JsonConverter(typeof(WireSpreadJsonConverter))]
    public int SpreadMilliseconds { get; set; }
}
