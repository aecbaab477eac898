using MessagePack;
using MessagePack.Formatters;

namespace QueryTags.SignalR;

/// <summary>Reads and writes a <see cref="Tag"/> as a MessagePack array of str, int and bool.</summary>
internal sealed class TagMessagePackFormatter : IMessagePackFormatter<Tag>
{
    /// <inheritdoc />
    public void Serialize(ref MessagePackWriter writer, Tag value, MessagePackSerializerOptions options)
    {
        // A default tag throws from its enumerator, before anything is written.
        using var segments = value.GetEnumerator();
        writer.WriteArrayHeader(value.Count);
        while (segments.MoveNext())
        {
            var segment = segments.Current;
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
            throw Invalid(TagReadResult.Fail(TagRules.NotAnArray, $"got a MessagePack {Kind(ref reader)}"));
        }

        // Structure only: the server that sent the tag applied its own limits.
        if (!TagSegmentReader.TryStart(reader.ReadArrayHeader(), TagLimits.Unlimited, out var segments))
        {
            throw Invalid(segments.Rejection);
        }

        while (!segments.IsComplete)
        {
            if (!MessagePackSegments.Add(ref reader, ref segments))
            {
                throw Invalid(segments.Rejection);
            }
        }

        return segments.Finish().Tag!.Value;
    }

    private static string Kind(ref MessagePackReader reader) => MessagePackSegments.Kind(ref reader);

    private static MessagePackSerializationException Invalid(TagReadResult rejection) =>
        new(rejection.NotATag());
}
