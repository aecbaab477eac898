using MessagePack;
using MessagePack.Formatters;

namespace QueryTags.SignalR;

/// <summary>Reads and writes a <see cref="Tag"/> as a MessagePack array of str, int and bool.</summary>
public sealed class TagMessagePackFormatter : IMessagePackFormatter<Tag>
{
    /// <inheritdoc />
    public void Serialize(ref MessagePackWriter writer, Tag value, MessagePackSerializerOptions options)
    {
        if (value.Count == 0)
        {
            throw new MessagePackSerializationException("Cannot write an empty (default) tag.");
        }

        writer.WriteArrayHeader(value.Count);
        foreach (var segment in value)
        {
            switch (segment.Kind)
            {
                case TagSegmentKind.String: writer.Write(segment.StringValue); break;
                case TagSegmentKind.Integer: writer.Write(segment.IntegerValue); break;
                default: writer.Write(segment.BooleanValue); break;
            }
        }
    }

    /// <inheritdoc />
    public Tag Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw Invalid(TagRules.NotAnArray, $"got a MessagePack {reader.NextMessagePackType.ToString().ToLowerInvariant()}");
        }

        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            throw Invalid(TagRules.Empty, null);
        }

        var segments = new TagSegment[count];
        for (var i = 0; i < count; i++)
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.String:
                    var text = reader.ReadString()!;
                    if (!TagText.IsWellFormed(text))
                    {
                        throw Invalid(TagRules.InvalidString, $"segment {i}");
                    }

                    segments[i] = TagSegment.FromString(text);
                    break;
                case MessagePackType.Integer:
                    // A uint64 above long.MaxValue does not fit ReadInt64; anything past 2^53 - 1 is out of range anyway.
                    var integer = reader.NextCode == MessagePackCode.UInt64
                        ? (long)Math.Min(reader.ReadUInt64(), (ulong)long.MaxValue)
                        : reader.ReadInt64();
                    if (integer is < TagSegment.MinInteger or > TagSegment.MaxInteger)
                    {
                        throw Invalid(TagRules.IntegerRange, $"segment {i} is {integer}");
                    }

                    segments[i] = TagSegment.FromInteger(integer);
                    break;
                case MessagePackType.Boolean:
                    segments[i] = TagSegment.FromBoolean(reader.ReadBoolean());
                    break;
                default:
                    throw Invalid(TagRules.SegmentType, $"segment {i} is a MessagePack {reader.NextMessagePackType.ToString().ToLowerInvariant()}");
            }
        }

        return Tag.Create(segments);
    }

    private static MessagePackSerializationException Invalid(string rule, string? detail) =>
        new($"Not a tag: {TagReadResult.Fail(rule, detail).Rejection!.Message} ({rule}).");
}
