using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueryTags.SignalR.Internal;

/// <summary>Reads the tags argument from the JSON protocol: each element kept as a <see cref="JsonElement"/>; anything but an array binds as "not a list".</summary>
internal sealed class TagsArgumentJsonConverter : JsonConverter<TagsArgument>
{
    public override TagsArgument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            var kind = reader.TokenType switch
            {
                JsonTokenType.StartObject => "a JSON object",
                JsonTokenType.String => "a JSON string",
                JsonTokenType.Number => "a JSON number",
                JsonTokenType.True or JsonTokenType.False => "a JSON boolean",
                _ => $"JSON {reader.TokenType}",
            };
            reader.Skip();
            return TagsArgument.Refused(kind);
        }

        var items = new List<object?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(JsonElement.ParseValue(ref reader));
        }

        return new TagsArgument([.. items]);
    }

    public override void Write(Utf8JsonWriter writer, TagsArgument value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The tags argument is only read: clients send tags as arrays of segments.");
}
