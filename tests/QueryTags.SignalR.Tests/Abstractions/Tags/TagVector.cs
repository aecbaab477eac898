using System.Text.Json;
using Xunit.Abstractions;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

/// <summary>
/// One vector, by section and index: serializable, so every vector is a test case of its own, and named by its
/// JSON in test output.
/// </summary>
public sealed class TagVector : IXunitSerializable
{
    [Obsolete("For the xunit serializer only.")]
    public TagVector()
    {
        Section = "";
    }

    public TagVector(string section, int index)
    {
        Section = section;
        Index = index;
    }

    public string Section { get; private set; }

    public int Index { get; private set; }

    public JsonElement Value => TagVectors.Root.GetProperty(Section)[Index];

    public JsonElement this[string property] => Value.GetProperty(property);

    public void Deserialize(IXunitSerializationInfo info)
    {
        Section = info.GetValue<string>(nameof(Section));
        Index = info.GetValue<int>(nameof(Index));
    }

    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(Section), Section);
        info.AddValue(nameof(Index), Index);
    }

    // Long inputs are cut so the test listing stays readable.
    public override string ToString()
    {
        var text = Value.GetRawText();
        return $"{Section}[{Index}] {(text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…"))}";
    }
}
