using System.Collections.Concurrent;
using System.Text.Json;
using Cnm.Core.Drivers;

namespace Cnm.Store.Tests.Cluster;

/// <summary>
/// A hand-written network driver module for the membership tests: one driver named <c>global</c> (connectivity scope
/// global) and one named <c>local</c>, each recording the discovery calls it gets; <see cref="RegisterLateAsync"/> adds
/// a third global driver after the controller is up, as a plugin activated later would be.
/// </summary>
internal sealed class DiscoveryRecorder : IDriverModule
{
    private IDriverRegistrar? _registrar;

    public string Name => "discovery-recorder";

    public RecordingDriver Global { get; } = new();

    public RecordingDriver Local { get; } = new();

    public RecordingDriver Late { get; } = new();

    /// <summary>A global driver that records each call and then fails it.</summary>
    public RecordingDriver Failing { get; } = new() { Fails = true };

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        _registrar = registrar;
        registrar.RegisterNetworkDriver("global", Global, new DriverCapability(DriverScope.Global, DriverScope.Global));
        registrar.RegisterNetworkDriver("failing", Failing, new DriverCapability(DriverScope.Global, DriverScope.Global));
        registrar.RegisterNetworkDriver("local", Local, new DriverCapability(DriverScope.Local, DriverScope.Local));
        return Task.CompletedTask;
    }

    public void RegisterLate() =>
        _registrar!.RegisterNetworkDriver("late", Late, new DriverCapability(DriverScope.Global, DriverScope.Global));

    internal sealed class RecordingDriver : INetworkDriver, IDiscoveryDriver
    {
        private readonly ConcurrentQueue<(string Call, int Type, string Address, bool Self, string Json)> _calls = new();

        public bool Fails { get; init; }

        public IReadOnlyList<(string Call, int Type, string Address, bool Self, string Json)> Calls => [.. _calls];

        public Task DiscoverNewAsync(int discoveryType, JsonElement data, CancellationToken cancellationToken) => Record("DiscoverNew", discoveryType, data);

        public Task DiscoverDeleteAsync(int discoveryType, JsonElement data, CancellationToken cancellationToken) => Record("DiscoverDelete", discoveryType, data);

        /// <summary>Polls until a call matching <paramref name="match"/> arrived (generous deadline), and returns it.</summary>
        public async Task<(string Call, int Type, string Address, bool Self, string Json)> WaitForAsync(string call, string address, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (true)
            {
                foreach (var c in _calls)
                {
                    if (c.Call == call && c.Address == address)
                    {
                        return c;
                    }
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"no {call} for {address} within {within}; got: {string.Join("; ", _calls.Select(c => c.Call + " " + c.Json))}");
                }

                await Task.Delay(50);
            }
        }

        public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>());

        public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

        private Task Record(string call, int type, JsonElement data)
        {
            _calls.Enqueue((call, type, data.GetProperty("Address").GetString()!, data.GetProperty("Self").GetBoolean(), data.GetRawText()));
            return Fails ? Task.FromException(new InvalidOperationException("the plugin answered 500")) : Task.CompletedTask;
        }
    }
}
