using System.Text.Json.Serialization;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>One tag of a subscribe call that the server refused, with the rule it broke.</summary>
[MessagePackObject]
public sealed class TagRejection
{
    /// <summary>The position of the tag in the call's list.</summary>
    [Key("index")]
    [JsonPropertyName("index")]
    public int Index { get; set; }

    /// <summary>The tag as it was sent, written as compact JSON (it may not be a valid tag).</summary>
    [Key("tag")]
    [JsonPropertyName("tag")]
    public string Tag { get; set; } = "";

    /// <summary>The rule's stable name, one of <see cref="TagRules"/>.</summary>
    [Key("rule")]
    [JsonPropertyName("rule")]
    public string Rule { get; set; } = "";

    /// <summary>What was wrong, for people.</summary>
    [Key("reason")]
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";
}
