"""The floor for slider-to-chart latency: one slider and one small Plotly chart that depends on it.
No Streamlit app can update a chart faster than this page does; bench/browser_latency.py compares with it."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

eps = st.slider("eps", 0.0, 1.0, 0.1, step=0.01, key="min_eps")
x = np.linspace(0.0, 1.0, 200)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.log1p(10 * (1 - eps) / np.maximum(eps, 1e-3)) * x)), key="min_chart")
