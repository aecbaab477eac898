using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// Reads the observable instruments of one server's <c>QueryTags.SignalR</c> meter once, as an exporter collects them:
/// each measurement with its attributes. Other servers of the process (their own meter factories) are not read.
/// </summary>
public static class InstrumentReading
{
    public static IReadOnlyList<(string Instrument, long Value, IReadOnlyDictionary<string, object?> Attributes)> Observe(KestrelServer server)
    {
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string, long, IReadOnlyDictionary<string, object?>)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == "QueryTags.SignalR" && instrument.IsObservable)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, attributes, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var attribute in attributes)
            {
                copy[attribute.Key] = attribute.Value;
            }

            measurements.Add((instrument.Name, value, copy));
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return measurements;
    }
}
