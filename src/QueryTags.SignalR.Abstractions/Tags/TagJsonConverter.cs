using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueryTags.SignalR;

/// <summary>Reads and writes a <see cref="Tag"/> as a JSON array, such as <c>["todo",5]</c>.</summary>
internal sealed class TagJsonConverter : JsonConverter<Tag>
{
    /// <inheritdoc />
    public override Tag Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        var result = TagReader.Read(element, TagLimits.Unlimited);
        return result.Tag ?? throw new JsonException(result.NotATag(element.GetRawText()));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Tag value, JsonSerializerOptions options)
    {
        // The canonical form is compact JSON already; writing it raw avoids re-encoding every segment.
        writer.WriteRawValue(value.Canonical, skipInputValidation: true);
    }
}
