using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// A hub call refused for what the client sent (too many tags, a malformed cursor, a tag that cannot be released):
/// the client gets the message as any <see cref="HubException"/>'s. SignalR logs every exception of a hub method as an
/// error with its stack; for this one the hub's handler logs a line at debug level instead (see
/// <see cref="QuietClientMistakes"/>), since a client's mistake is not the server's fault.
/// </summary>
internal sealed class CallRefusedException(string message) : HubException(message);
