import { Component, type ReactNode } from 'react';

/** Keeps a failing panel from blanking the app: the panel shows its error instead. */
export class ErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="panel-error" role="alert">
          {this.props.name} failed: {this.state.error.message}
        </div>
      );
    }
    return this.props.children;
  }
}
