using System.Buffers;
using System.Text.Json;
using MessagePack;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

/// <summary>Writes a JSON value as the MessagePack a client would send for it, so JSON vectors drive MessagePack tests too.</summary>
internal static class MessagePackFromJson
{
    /// <summary>
    /// False when MessagePack cannot carry the value as written: a string with an unpaired surrogate (UTF-8 cannot)
    /// or an integer beyond uint64.
    /// </summary>
    public static bool CanCarry(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().All(CanCarry),
        JsonValueKind.Object => element.EnumerateObject().All(p => CanCarry(p.Value)),
        JsonValueKind.String => IsWellFormedString(element),
        JsonValueKind.Number => IsFloat(element) || element.TryGetInt64(out _) || element.TryGetUInt64(out _),
        _ => true,
    };

    public static byte[] Convert(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, element);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(ref MessagePackWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    Write(ref writer, item);
                }

                break;
            case JsonValueKind.Object:
                writer.WriteMapHeader(element.EnumerateObject().Count());
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value);
                }

                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number when IsFloat(element):
                writer.Write(element.GetDouble());
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.Write(integer);
                break;
            case JsonValueKind.Number:
                writer.Write(element.GetUInt64());
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.Write(element.GetBoolean());
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    private static bool IsFloat(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny(".eE") >= 0;

    private static bool IsWellFormedString(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
