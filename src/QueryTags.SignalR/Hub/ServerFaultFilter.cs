using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The innermost filter of <see cref="InvalidationHub"/>: an exception that is not a <see cref="HubException"/> is the
/// server's fault (a bug, a store that failed), so the client gets a sentence without its message, and SignalR logs the
/// original, with its stack, as the error it is. This is what lets the hub send detailed errors for what a client
/// got wrong (a wrong argument count, unreadable JSON) without showing clients the server's internals. A call cut short
/// because its connection closed is the client's doing, and is logged as a client's mistake is (see <see cref="ClientMistake"/>).
/// </summary>
internal sealed class ServerFaultFilter : IHubFilter
{
    public static ServerFaultFilter Instance { get; } = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (OperationCanceledException) when (invocationContext.Context.ConnectionAborted.IsCancellationRequested)
        {
            // The client left while its call waited (its turn under the rate limit, or the one before it): its doing,
            // not a fault, and nobody reads the answer.
            throw ClientMistake.Refusal($"{invocationContext.HubMethodName}: the connection closed before the call finished.");
        }
        catch (Exception ex) when (ex is not HubException)
        {
            throw new HubException($"{invocationContext.HubMethodName} failed on the server; the server's log says why.", ex);
        }
    }
}
