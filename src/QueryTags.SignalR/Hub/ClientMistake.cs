using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// A hub call refused for what the client sent (too many tags, a malformed cursor, a tag that cannot be released), or
/// cut short because the client left: a
/// plain <see cref="HubException"/>, so the client reads it as any other, marked so that the hub's connection handler
/// logs it at debug level without its stack (see <see cref="QuietClientMistakes"/>). SignalR logs every exception of a
/// hub method as an error with its stack, and a client's mistake is not the server's fault.
/// </summary>
internal static class ClientMistake
{
    private const string Marker = "QueryTags.SignalR.ClientMistake";

    public static HubException Refusal(string message)
    {
        var refusal = new HubException(message);
        refusal.Data[Marker] = true;
        return refusal;
    }

    public static bool Is(Exception? exception) => exception is HubException && exception.Data.Contains(Marker);
}
