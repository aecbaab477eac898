using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Benchmarks;

/// <summary>
/// An invalidate message as SignalR writes it, once per protocol per send (the same bytes then go to every
/// connection of the group), and as a .NET client reads it back.
/// </summary>
public class SerializationBenchmarks
{
    private static readonly InvalidationMessage Message = new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Tags = [["todo", 5], ["todos"]],
        Cursor = InvalidationCursor.Parse("3f9a1c2b7d4e:12345"),
        Source = "1764000000000000",
    };

    private readonly MessagePackHubProtocol _messagePack = new();
    private readonly JsonHubProtocol _json = new(Options.Create(new JsonHubProtocolOptions()));
    private readonly InvocationMessage _invocation = new(InvalidationHubMethods.Invalidate, [Message]);
    private readonly InvocationBinder _binder = new();
    private byte[] _messagePackBytes = [];

    [GlobalSetup]
    public void Setup() => _messagePackBytes = _messagePack.GetMessageBytes(_invocation).ToArray();

    [Benchmark]
    public int WriteMessagePack() => _messagePack.GetMessageBytes(_invocation).Length;

    [Benchmark]
    public int WriteJson() => _json.GetMessageBytes(_invocation).Length;

    [Benchmark]
    public object? ReadMessagePack()
    {
        var bytes = new ReadOnlySequence<byte>(_messagePackBytes);
        _messagePack.TryParseMessage(ref bytes, _binder, out var message);
        return message;
    }

    /// <summary>Tells the protocol that <c>invalidate</c> takes one <see cref="InvalidationMessage"/>, as a client's handler does.</summary>
    private sealed class InvocationBinder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(InvalidationMessage)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
