export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>CoT Playground</h1>
      </header>
    </div>
  );
}
