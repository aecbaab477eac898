using MessagePack;
using MessagePack.Formatters;

namespace QueryTags.SignalR;

/// <summary>
/// Writes an <see cref="InvalidationMessage"/> as a map with lower-case string keys, <c>traceparent</c> and <c>spread</c>
/// only when there is one; reads such a map in any key order and skips keys it does not know.
/// </summary>
internal sealed class InvalidationMessageMessagePackFormatter : IMessagePackFormatter<InvalidationMessage>
{
    private static readonly WireSpreadMessagePackFormatter Spread = new();

    public void Serialize(ref MessagePackWriter writer, InvalidationMessage value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var tags = options.Resolver.GetFormatterWithVerify<Tag>();
        var cursors = options.Resolver.GetFormatterWithVerify<InvalidationCursor>();
        writer.WriteMapHeader(4 + (value.TraceParent is null ? 0 : 1) + (value.SpreadMilliseconds == 0 ? 0 : 1));
        writer.Write("id");
        writer.Write(value.Id);
        writer.Write("tags");
        writer.WriteArrayHeader(value.Tags.Count);
        foreach (var tag in value.Tags)
        {
            tags.Serialize(ref writer, tag, options);
        }

        writer.Write("cursor");
        if (value.Cursor is { } cursor)
        {
            cursors.Serialize(ref writer, cursor, options);
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write("origin");
        writer.Write(value.Source);
        if (value.TraceParent is { } traceParent)
        {
            writer.Write("traceparent");
            writer.Write(traceParent);
        }

        if (value.SpreadMilliseconds != 0)
        {
            writer.Write("spread");
            writer.Write(value.SpreadMilliseconds);
        }
    }

    public InvalidationMessage Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            throw new MessagePackSerializationException($"An invalidation message is a map; got a MessagePack {reader.NextMessagePackType.ToString().ToLowerInvariant()}.");
        }

        var tags = options.Resolver.GetFormatterWithVerify<Tag>();
        var cursors = options.Resolver.GetFormatterWithVerify<InvalidationCursor>();
        var message = new InvalidationMessage();
        options.Security.DepthStep(ref reader);
        try
        {
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                switch (ReadKey(ref reader))
                {
                    case "id":
                        message.Id = reader.ReadString() ?? "";
                        break;
                    case "tags" when reader.TryReadNil():
                        break;
                    case "tags":
                        var read = new Tag[reader.ReadArrayHeader()];
                        for (var t = 0; t < read.Length; t++)
                        {
                            read[t] = tags.Deserialize(ref reader, options);
                        }

                        message.Tags = read;
                        break;
                    case "cursor":
                        message.Cursor = reader.TryReadNil() ? null : cursors.Deserialize(ref reader, options);
                        break;
                    case "origin":
                        message.Source = reader.ReadString();
                        break;
                    case "traceparent":
                        message.TraceParent = reader.ReadString();
                        break;
                    case "spread":
                        message.SpreadMilliseconds = Spread.Deserialize(ref reader, options);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        finally
        {
            reader.Depth--;
        }

        return message;
    }

    // A key that is not a string is skipped and read as null, so its value is skipped as unknown.
    private static string? ReadKey(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.String)
        {
            return reader.ReadString();
        }

        reader.Skip();
        return null;
    }
}
