using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueryTags.SignalR;

/// <summary>Reads and writes an <see cref="InvalidationCursor"/> as its <c>epoch:sequence</c> string.</summary>
internal sealed class InvalidationCursorJsonConverter : JsonConverter<InvalidationCursor>
{
    public override InvalidationCursor Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return InvalidationCursor.TryParse(text, out var cursor)
            ? cursor
            : throw new JsonException(InvalidationCursor.NotACursor(text is null ? $"a JSON {reader.TokenType.ToString().ToLowerInvariant()}" : $"'{text}'"));
    }

    public override void Write(Utf8JsonWriter writer, InvalidationCursor value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InvalidationCursor.Text(value));
}
