using MessagePack;
using MessagePack.Formatters;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Reads the tags argument from the MessagePack protocol: each element kept as its bytes (read later, UTF-8
/// checked), however deeply it nests; anything but an array binds as "not a list".
/// </summary>
internal sealed class TagsArgumentMessagePackFormatter : IMessagePackFormatter<TagsArgument?>
{
    public void Serialize(ref MessagePackWriter writer, TagsArgument? value, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("The tags argument is only read: clients send tags as arrays of segments.");

    public TagsArgument? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            var kind = MessagePackSegments.Kind(ref reader);
            MessagePackValue.Skip(ref reader);
            return TagsArgument.Refused($"a MessagePack {kind}");
        }

        var count = reader.ReadArrayHeader();
        var items = new List<object?>(Math.Min(count, 256));
        for (var i = 0; i < count; i++)
        {
            items.Add(MessagePackValue.Read(ref reader));
        }

        return new TagsArgument([.. items]);
    }
}
