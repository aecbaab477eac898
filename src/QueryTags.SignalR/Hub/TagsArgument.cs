using System.Text.Json.Serialization;
using MessagePack;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR;

/// <summary>
/// The tags argument of <see cref="InvalidationHub.Subscribe"/> and <see cref="InvalidationHub.Unsubscribe"/> as the
/// client sent it: each tag is kept as it arrived (a JSON element, or MessagePack bytes) and read later, one at a
/// time, with the server's limits, so one bad tag spoils nothing else and a string that is not UTF-8 is refused.
/// Anything that is not a list still binds, so the call can say what was wrong instead of failing to bind.
/// </summary>
[JsonConverter(typeof(TagsArgumentJsonConverter))]
[MessagePackFormatter(typeof(TagsArgumentMessagePackFormatter))]
public sealed class TagsArgument
{
    internal TagsArgument(object?[] items) => Items = items;

    private TagsArgument(string notAList)
    {
        Items = [];
        NotAList = notAList;
    }

    /// <summary>How many tags the client sent (0 when the argument was not a list).</summary>
    public int Count => Items.Length;

    /// <summary>Each tag as sent: a JSON element, a <see cref="MessagePackValue"/>, or an object graph (tests).</summary>
    internal object?[] Items { get; }

    /// <summary>What the argument was instead of a list (such as "a JSON string"), or null when it was a list.</summary>
    internal string? NotAList { get; }

    internal static TagsArgument Refused(string what) => new(what);
}
