using QueryTags.SignalR.TestServer;

var app = TestServerApp.Build(args);
app.Run();
