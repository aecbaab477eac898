using System.Buffers;
using System.Text;
using System.Text.Unicode;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>
/// Maps one MessagePack value to a <see cref="TagSegmentReader"/> call: str (UTF-8, checked), int, bool, or a
/// refusal naming what it is. Shared by the <see cref="Tag"/> formatter and the reader of tags clients send.
/// </summary>
internal static class MessagePackSegments
{
    /// <summary>Adds the next value as a segment; false when the reader refused it (see <see cref="TagSegmentReader.Rejection"/>).</summary>
    public static bool Add(ref MessagePackReader reader, ref TagSegmentReader segments) => reader.NextMessagePackType switch
    {
        MessagePackType.String => segments.AddString(ReadUtf8(ref reader)),
        MessagePackType.Integer when reader.NextCode == MessagePackCode.UInt64 => segments.AddInteger(reader.ReadUInt64()),
        MessagePackType.Integer => segments.AddInteger(reader.ReadInt64()),
        MessagePackType.Boolean => segments.AddBoolean(reader.ReadBoolean()),
        MessagePackType.Float => segments.RefuseSegment(TagRules.SegmentType, $"the number {reader.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)}, not an integer"),
        _ => segments.RefuseSegment(TagRules.SegmentType, $"a MessagePack {Kind(ref reader)}"),
    };

    public static string Kind(ref MessagePackReader reader) => reader.NextMessagePackType.ToString().ToLowerInvariant();

    // Null when the bytes are not UTF-8, which the segment reader refuses as invalid-string.
    private static string? ReadUtf8(ref MessagePackReader reader)
    {
        var bytes = reader.ReadStringSequence();
        if (bytes is not { } sequence)
        {
            return null;
        }

        var span = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        return Utf8.IsValid(span) ? Encoding.UTF8.GetString(span) : null;
    }
}
