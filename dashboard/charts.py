"""Plotly figures built from read-API frames: data in, figure out, nothing read or rendered here."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

HEIGHT = 340
ALERT_COLOR = "#d62728"


def _layout(fig: go.Figure, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        height=HEIGHT, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="",
        xaxis_title=x_title, yaxis_title=y_title, hovermode="x unified",
    )
    return fig


def stacked_volume(
    frame: pd.DataFrame,
    *,
    x_title: str,
    y_title: str,
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Stacked bars of `n_documents` per `bucket`, one colour per `key`."""
    fig = px.bar(
        frame, x="bucket", y="n_documents", color="key",
        color_discrete_map=dict(colors) if colors else None,
    )
    fig.update_layout(barmode="stack", bargap=0.1)
    return _layout(fig, x_title, y_title)


def horizontal_bars(frame: pd.DataFrame, *, y: str, x: str, x_title: str, y_title: str) -> go.Figure:
    """Horizontal bars, largest on top."""
    fig = px.bar(frame, x=x, y=y, orientation="h")
    fig.update_layout(yaxis={"autorange": "reversed"})
    # One bar per row: the unified hover of the time charts would list every bar at once.
    return _layout(fig, x_title, y_title).update_layout(hovermode="closest")


def trend_with_spikes(
    frame: pd.DataFrame, *, name: str, spike_name: str, x_title: str, y_title: str
) -> go.Figure:
    """A line of `n_documents` per `bucket`, with the buckets holding a spike alert marked in red."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=frame["bucket"], y=frame["n_documents"], mode="lines", name=name))
    alerts = frame[frame["alert"]]
    fig.add_trace(
        go.Scatter(
            x=alerts["bucket"], y=alerts["n_documents"], mode="markers", name=spike_name,
            marker={"color": ALERT_COLOR, "size": 11, "symbol": "triangle-up"},
        )
    )
    return _layout(fig, x_title, y_title)


def sentiment_mix(
    frame: pd.DataFrame, *, colors: Mapping[str, str], x_title: str, y_title: str
) -> go.Figure:
    """Bars of each bucket's sentiment shares (each bar sums to 100 %)."""
    fig = px.bar(frame, x="bucket", y="n_documents", color="sentiment", color_discrete_map=dict(colors))
    fig.update_layout(barmode="stack", barnorm="percent", bargap=0.1)
    return _layout(fig, x_title, y_title)


def forecast(frame: pd.DataFrame, *, name: str, band_name: str, x_title: str, y_title: str) -> go.Figure:
    """Expected documents per `hour` as a dashed line inside its shaded [lower, upper] interval."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=frame["hour"], y=frame["upper"], mode="lines", line={"width": 0}, showlegend=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=frame["hour"], y=frame["lower"], mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor="rgba(127,127,127,0.25)", name=band_name))
    fig.add_trace(go.Scatter(x=frame["hour"], y=frame["expected"], mode="lines", name=name,
                             line={"dash": "dash", "color": "#1f77b4"}))
    return _layout(fig, x_title, y_title)
