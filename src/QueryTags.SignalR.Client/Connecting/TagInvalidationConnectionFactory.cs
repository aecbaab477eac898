using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>Builds the hub connection <see cref="TagInvalidationClient.Create"/> owns, from its options.</summary>
internal static class TagInvalidationConnectionFactory
{
    /// <summary>The connection, which reconnects with <paramref name="reconnectPolicy"/> and notes the <c>Retry-After</c> of a 503 in <paramref name="retryAfter"/>.</summary>
    public static HubConnection Create(Uri hubUrl, TagInvalidationClientOptions options, GatedRetryPolicy reconnectPolicy, RetryAfterNote retryAfter)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl, options.Transports, http =>
            {
                http.AccessTokenProvider = options.AccessTokenProvider;
                options.ConfigureHttpConnection?.Invoke(http);

                // Around the application's own handler, if it set one: SignalR reports a refused negotiate's status only.
                var handler = http.HttpMessageHandlerFactory;
                http.HttpMessageHandlerFactory = inner => retryAfter.Watch(handler?.Invoke(inner) ?? inner);
            })
            .WithAutomaticReconnect(reconnectPolicy);
        if (options.Protocol == TagInvalidationProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        // The connection logs where the client does.
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        return builder.Build();
    }
}
