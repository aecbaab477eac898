using System.Net.Http.Json;
using System.Text.Json;
using QueryTags.SignalR.Client;

namespace QueryTags.SignalR.FunctionalTests.Sample;

/// <summary>
/// What a browser tab of the sample holds, without the browser: the shared list and some todos, each known by its
/// tags, refetched from one node whenever the hub says one of them changed (or that it cannot tell what did).
/// </summary>
internal sealed class SampleBrowser : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly TagInvalidationClient _client;
    private readonly int[] _ids;
    private readonly SemaphoreSlim _refetching = new(1, 1);
    private int _dirty;

    private SampleBrowser(Uri node, int[] ids)
    {
        _http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(15) };
        _client = TagInvalidationClient.Create(new Uri(node, "/hubs/invalidation"));
        _ids = ids;
        _client.Invalidated += (_, e) => Refetch($"invalidate {e.Message.Id} [{string.Join(", ", e.MatchedTags)}]");
        _client.Missed += (_, e) => Refetch($"missed [{string.Join(", ", e.MissedTags)}]");
        _client.ResetRequired += (_, e) => Refetch($"reset {e.Reason}");
    }

    /// <summary>What it heard and fetched, with times, for a test that fails to say why.</summary>
    public List<string> History { get; } = [];

    /// <summary>The title of each todo as the list showed it.</summary>
    public Dictionary<int, string> List { get; private set; } = [];

    /// <summary>The title of each held todo as its own query showed it.</summary>
    public Dictionary<int, string> Items { get; } = [];

    public static async Task<SampleBrowser> OpenAsync(Uri node, int[] ids)
    {
        var browser = new SampleBrowser(node, ids);
        await browser._client.StartAsync();
        await browser._client.SubscribeAsync([new Tag("todos"), .. ids.Select(id => new Tag("todo", id))]);
        await browser.RefetchAsync();
        return browser;
    }

    /// <summary>What it shows differs from <paramref name="truth"/> (id → title), or null when it shows the truth.</summary>
    public string? Stale(IReadOnlyDictionary<int, string> truth)
    {
        lock (Items)
        {
            var problems = new List<string>();
            foreach (var id in _ids)
            {
                if (Items.GetValueOrDefault(id) != truth.GetValueOrDefault(id) || List.GetValueOrDefault(id) != truth.GetValueOrDefault(id))
                {
                    problems.Add($"todo {id}: item '{Items.GetValueOrDefault(id)}', list '{List.GetValueOrDefault(id)}', database '{truth.GetValueOrDefault(id)}'");
                }
            }

            return problems.Count == 0 ? null : string.Join("; ", problems);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        _http.Dispose();
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        var started = DateTime.UtcNow;
        using var response = await _http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Note($"GET {path} from {started:HH:mm:ss.fff}: {(response.Headers.Age is { } age ? $"cached, age {age.TotalSeconds:0}" : "fresh")} {body.GetRawText()[..Math.Min(160, body.GetRawText().Length)]}");
        return body;
    }

    private void Note(string what)
    {
        lock (History)
        {
            History.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
        }
    }

    // Like a query client: a change during a refetch makes one more, so the last change is always fetched.
    private void Refetch(string why)
    {
        Note(why);
        Interlocked.Exchange(ref _dirty, 1);
        _ = RefetchAsync();
    }

    private async Task RefetchAsync()
    {
        await _refetching.WaitAsync();
        try
        {
            Interlocked.Exchange(ref _dirty, 0);
            var list = await GetAsync("/api/todos");
            var titles = list.EnumerateArray().ToDictionary(todo => todo.GetProperty("id").GetInt32(), todo => todo.GetProperty("title").GetString()!);
            var items = new Dictionary<int, string>();
            foreach (var id in _ids)
            {
                var todo = await GetAsync($"/api/todos/{id}");
                items[id] = todo.GetProperty("title").GetString()!;
            }

            lock (Items)
            {
                List = titles;
                foreach (var (id, title) in items)
                {
                    Items[id] = title;
                }
            }
        }
        catch (HttpRequestException)
        {
            Interlocked.Exchange(ref _dirty, 1);
        }
        finally
        {
            _refetching.Release();
        }

        if (Interlocked.Exchange(ref _dirty, 0) == 1)
        {
            await RefetchAsync();
        }
    }
}
