using MessagePack;
using MessagePack.Formatters;

namespace QueryTags.SignalR;

/// <summary>Reads and writes an <see cref="InvalidationCursor"/> as its <c>epoch:sequence</c> string.</summary>
internal sealed class InvalidationCursorMessagePackFormatter : IMessagePackFormatter<InvalidationCursor>
{
    public void Serialize(ref MessagePackWriter writer, InvalidationCursor value, MessagePackSerializerOptions options) =>
        writer.Write(InvalidationCursor.Text(value));

    public InvalidationCursor Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var type = reader.NextMessagePackType;
        var text = type == MessagePackType.String ? reader.ReadString() : null;
        return InvalidationCursor.TryParse(text, out var cursor)
            ? cursor
            : throw new MessagePackSerializationException(InvalidationCursor.NotACursor(text is null ? $"a MessagePack {type.ToString().ToLowerInvariant()}" : $"'{text}'"));
    }
}
