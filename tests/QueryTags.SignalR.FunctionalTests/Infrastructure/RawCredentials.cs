using System.Net;
using System.Net.Http.Headers;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>Who a request spoken by hand says it is: a bearer token, the sign-in cookie, or nobody.</summary>
public sealed record RawCredentials(string Name, string? Bearer = null, CookieContainer? Cookies = null)
{
    public static RawCredentials Nobody { get; } = new("nobody");

    /// <summary>An HTTP client that sends these credentials on every request.</summary>
    /// <param name="receiveBuffer">Its sockets' receive buffer in bytes, when given.</param>
    public HttpClient Client(int? receiveBuffer = null)
    {
        var handler = RawHubSocket.Handler(receiveBuffer);
        handler.UseCookies = Cookies is not null;
        if (Cookies is not null)
        {
            handler.CookieContainer = Cookies;
        }

        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (Bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Bearer);
        }

        return http;
    }

    public override string ToString() => Name;
}
