using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class QuietClientMistakesTests
{
    private readonly RecordingLoggerFactory _inner = new();

    [Fact]
    public void A_refused_client_call_is_written_at_debug_level_without_its_exception()
    {
        var logger = new QuietClientMistakes(_inner).CreateLogger("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher");

        logger.LogError(ClientMistake.Refusal("Subscribe: the cursor 'x' is not one."), "Failed to invoke hub method '{Method}'.", "Subscribe");

        var entry = Assert.Single(_inner.Logger.Entries);
        Assert.Equal((LogLevel.Debug, null, "Failed to invoke hub method 'Subscribe'."), (entry.Level, entry.Exception, entry.Message));
    }

    [Fact]
    public void The_servers_own_faults_and_other_hub_exceptions_pass_unchanged()
    {
        var logger = new QuietClientMistakes(_inner).CreateLogger("any");
        var fault = new InvalidOperationException("the store failed");

        logger.LogError(fault, "Failed.");
        logger.LogError(new HubException("Subscribe: the backplane is down."), "Failed.");

        Assert.Equal([(LogLevel.Error, fault.Message), (LogLevel.Error, "Subscribe: the backplane is down.")], _inner.Logger.Entries.Select(entry => (entry.Level, entry.Exception!.Message)));
    }

    [Fact]
    public async Task The_subscription_service_marks_a_clients_mistake_and_logs_it_once_at_information()
    {
        var server = new TestServices();

        var error = await Assert.ThrowsAsync<HubException>(() => server.Subscriptions.SubscribeAsync(server.Connect(), new RecordingGroupManager(), [new object?[] { "a" }], "not-a-cursor"));

        Assert.True(ClientMistake.Is(error));
        var entry = Assert.Single(server.SubscriptionLogger.Entries, entry => entry.Event.Name == "CallRefused");
        Assert.Equal((LogLevel.Information, null), (entry.Level, entry.Exception));
        Assert.Contains("not-a-cursor", entry.Message, StringComparison.Ordinal);
    }
}
