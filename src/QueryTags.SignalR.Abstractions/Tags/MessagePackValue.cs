using System.Buffers;
using MessagePack;

namespace QueryTags.SignalR;

/// <summary>
/// One value of a MessagePack message kept as its bytes, unread: a tag as a client sent it, read later with the
/// server's limits by <see cref="TagReader"/>. Reading it late, from the bytes, is what lets a string that is not
/// UTF-8 be refused (MessagePack's own object reader replaces bad bytes with U+FFFD).
/// </summary>
internal readonly record struct MessagePackValue(ReadOnlyMemory<byte> Bytes)
{
    /// <summary>Reads the next value of <paramref name="reader"/> as its bytes, however deeply it nests.</summary>
    public static MessagePackValue Read(ref MessagePackReader reader)
    {
        var start = reader.Position;
        Skip(ref reader);
        return new MessagePackValue(reader.Sequence.Slice(start, reader.Position).ToArray());
    }

    /// <summary>
    /// Moves past the next value without recursion, so nesting a hundred thousand arrays deep costs a loop, not the
    /// stack. It throws on data that ends early or is not MessagePack.
    /// </summary>
    public static void Skip(ref MessagePackReader reader)
    {
        long remaining = 1;
        while (remaining > 0)
        {
            remaining--;
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Array:
                    remaining += reader.ReadArrayHeader();
                    break;
                case MessagePackType.Map:
                    remaining += 2L * reader.ReadMapHeader();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }
}
