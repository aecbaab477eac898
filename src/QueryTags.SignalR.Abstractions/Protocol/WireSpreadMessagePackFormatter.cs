using MessagePack;
using MessagePack.Formatters;

namespace QueryTags.SignalR;

/// <summary>Reads the <c>spread</c> field from any MessagePack number (anything else is 0), cut by <see cref="WireSpread"/>.</summary>
internal sealed class WireSpreadMessagePackFormatter : IMessagePackFormatter<int>
{
    public void Serialize(ref MessagePackWriter writer, int value, MessagePackSerializerOptions options) => writer.Write(value);

    public int Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType is MessagePackType.Integer or MessagePackType.Float)
        {
            return WireSpread.Clamp(reader.ReadDouble());
        }

        reader.Skip();
        return 0;
    }
}
