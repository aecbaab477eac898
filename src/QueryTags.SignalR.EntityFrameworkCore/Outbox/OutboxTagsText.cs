using System.Text;
using System.Text.Json;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>The text an outbox row keeps its tags in: a JSON array of tags in their canonical form.</summary>
internal static class OutboxTagsText
{
    public static string Format(IReadOnlyList<Tag> tags)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < tags.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(tags[i].Canonical);
        }

        return text.Append(']').ToString();
    }

    /// <exception cref="FormatException">The text is not a JSON array of tags; the message says why.</exception>
    public static List<Tag> Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<List<Tag>>(text) ?? throw new FormatException("The tags are null, not an array of tags.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The tags are not a JSON array of tags: {ex.Message}", ex);
        }
    }
}
