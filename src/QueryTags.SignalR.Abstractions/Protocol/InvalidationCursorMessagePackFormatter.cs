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
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            throw new MessagePackSerializationException($"Not a cursor: got a MessagePack {reader.NextMessagePackType.ToString().ToLowerInvariant()}, expected the string 'epoch:sequence'.");
        }

        var text = reader.ReadString();
        return InvalidationCursor.TryParse(text, out var cursor)
            ? cursor
            : throw new MessagePackSerializationException($"Not a cursor: '{text}' (expected 'epoch:sequence').");
    }
}
