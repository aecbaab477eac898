using System.Net.WebSockets;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A message of a type the protocol does not know (a later protocol's, or a hostile client's) is skipped: the
/// connection goes on reading, answers the calls after it and is timed out like any other. SignalR alone stops
/// reading such a connection, which then stays open, answering nothing, for as long as the client likes.
/// </summary>
public sealed class UnknownMessageTypeTests(KestrelServerFixture fixture) : IClassFixture<KestrelServerFixture>
{
    [Theory]
    [InlineData(false, "{\"type\":99}")]
    [InlineData(false, "{\"type\":99,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[]}")]
    [InlineData(true, "93-63-80-01")]
    [InlineData(true, "91-CC-FF")]
    public async Task A_message_of_an_unknown_type_is_skipped_and_the_next_call_is_answered(bool messagePack, string message)
    {
        await using var socket = await RawHubSocket.ConnectAsync(fixture.Server.HubUrl, messagePack);
        var bytes = messagePack ? Convert.FromHexString(message.Replace("-", "", StringComparison.Ordinal)) : System.Text.Encoding.UTF8.GetBytes(message);

        // Twice, and the call in a frame of its own after them: each must be read.
        await socket.SendMessageAsync(bytes);
        await socket.SendMessageAsync(bytes);
        var id = await socket.InvokeAsync("Subscribe", "[[[\"after-unknown\"]],null]");
        var answer = await socket.CompletionAsync(id, TimeSpan.FromSeconds(10));

        Assert.False(socket.TimedOut, "the call after a message of an unknown type was never answered");
        Assert.NotNull(answer);
        Assert.DoesNotContain("error", answer, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
