using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueryTags.SignalR;

/// <summary>Reads and writes an <see cref="InvalidationCursor"/> as its <c>epoch:sequence</c> string.</summary>
internal sealed class InvalidationCursorJsonConverter : JsonConverter<InvalidationCursor>
{
    public override InvalidationCursor Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Not a cursor: got a JSON {reader.TokenType.ToString().ToLowerInvariant()}, expected the string 'epoch:sequence'.");
        }

        var text = reader.GetString();
        return InvalidationCursor.TryParse(text, out var cursor)
            ? cursor
            : throw new JsonException($"Not a cursor: '{text}' (expected 'epoch:sequence').");
    }

    public override void Write(Utf8JsonWriter writer, InvalidationCursor value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InvalidationCursor.Text(value));
}
