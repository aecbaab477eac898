using System.Text.Json;
using System.Text.Json.Serialization;

namespace QueryTags.SignalR;

/// <summary>Reads the <c>spread</c> field from any JSON number (anything else is 0), cut by <see cref="WireSpread"/>.</summary>
internal sealed class WireSpreadJsonConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return WireSpread.Clamp(reader.GetDouble());
        }

        reader.Skip();
        return 0;
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
