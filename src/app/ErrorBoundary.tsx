import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** Shown above the error text; defaults to a page-level message. */
  title?: string;
}
interface State {
  error: Error | null;
}

/** Shows a message (as text) instead of a blank page when a view throws while rendering. */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('View crashed:', error, info.componentStack);
  }

  render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h2>{this.props.title ?? 'Something went wrong on this page.'}</h2>
        <p>
          The view stopped with the error below. Reloading the page usually helps; if a link brought you here, try the{' '}
          <a href={location.pathname}>default experiment</a>.
        </p>
        <pre>{error.message}</pre>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
